export const ROLES = ['owner', 'back_office', 'billing', 'clinician'] as const;
export type Role = (typeof ROLES)[number];

export const MODES = ['in_person', 'video', 'phone', 'async'] as const;
export type Mode = (typeof MODES)[number];

export const PROFESSIONS = [
  'gz_psychologist',
  'clinical_psychologist',
  'psychotherapist',
  'psychiatrist',
  'basic_psychologist',
  'nurse_specialist',
  'other',
] as const;
export type Profession = (typeof PROFESSIONS)[number];
