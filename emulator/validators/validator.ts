/** The shape every parameter validator has (utopia-php's `Validator`). */
export interface Validator {
  isValid(value: unknown): boolean;
  /** Read after isValid: some validators (queries) describe the last failure. */
  readonly description: string;
}
