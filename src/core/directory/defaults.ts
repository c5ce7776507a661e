/**
 * The profiles every organisation starts with. Operators change them later (admin console, CLI);
 * these values follow what the services Facteur replaces offer (seeds/): 1 GiB and 5 years for
 * staff, less for students, short-lived accounts for outside contributors.
 */
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

export interface ProfileDefaults {
  name: string;
  label: string;
  quotaBytes: number;
  retentionDays: number;
  twoFactorRequired: boolean;
  forwardingAllowed: boolean;
  externalSendingAllowed: boolean;
}

export const DEFAULT_PROFILES: readonly ProfileDefaults[] = [
  {
    name: 'staff',
    label: 'Personnel',
    quotaBytes: GIB,
    retentionDays: 5 * 365,
    twoFactorRequired: true,
    forwardingAllowed: true,
    externalSendingAllowed: true,
  },
  {
    name: 'student',
    label: 'Élève / étudiant',
    quotaBytes: 256 * MIB,
    retentionDays: 2 * 365,
    twoFactorRequired: false,
    forwardingAllowed: false,
    externalSendingAllowed: true,
  },
  {
    name: 'external',
    label: 'Intervenant extérieur',
    quotaBytes: 256 * MIB,
    retentionDays: 365,
    twoFactorRequired: true,
    forwardingAllowed: false,
    externalSendingAllowed: true,
  },
];

export const DEFAULT_PROFILE = 'staff';
