/**
 * The defaults of the optional arguments that have one: the schema's, what \`check\` fills in when
 * zod's result is set aside because a value is not known yet (preview), and what an imported
 * webhook starts from. Apart from ./schema so that the import path need not load zod.
 */
export const ARG_DEFAULTS = {
  enabled: true,
  // Secure by default: Appwrite's own default is tls=false (certificates not verified).
  tls: true,
  eventValidation: "1.9.6",
  adopt: false,
} as const;
