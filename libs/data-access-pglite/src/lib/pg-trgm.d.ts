// As node-postgres.d.ts: `moduleResolution: node` does not read package `exports`, so PGlite's
// pg_trgm extension subpath is declared here from its own type file.
declare module '@electric-sql/pglite/contrib/pg_trgm' {
  export * from '@electric-sql/pglite/dist/contrib/pg_trgm';
}
