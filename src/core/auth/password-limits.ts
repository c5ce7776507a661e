/** Longest password accepted: argon2 cost grows with input; nothing real is longer. */
export const MAX_PASSWORD_LENGTH = 1024;
