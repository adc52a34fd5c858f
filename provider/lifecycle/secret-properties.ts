/**
 * Properties that hold a credential: secret in state, in the package schema and on the wire.
 * Apart from ./schema so that a program, which needs only this list, never loads zod (80 ms).
 */
export const SECRET_PROPERTIES = ["secret", "previousSecret", "authPassword", "apiKey"] as const;
