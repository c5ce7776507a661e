/** The two SQL engines Facteur runs on. A migration receives it for the rare dialect-specific type. */
export type SqlDialect = 'sqlite' | 'postgres';
