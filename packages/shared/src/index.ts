export * from './errors.ts';
export * from './roles.ts';
export * from './rules.ts';
export * from './schemas/common.ts';
export * from './schemas/identity.ts';
export * from './schemas/practices.ts';
export * from './schemas/audit.ts';
