// tsconfig's `moduleResolution: node` does not read package `exports`, so the subpath that
// PGlite publishes for node-postgres is declared here from its own type file.
declare module '@electric-sql/pglite/node-postgres' {
  export * from '@electric-sql/pglite/dist/node-postgres/index';
}
