import { h } from 'preact';
import htm from 'htm';

/** JSX-like templates without a compile step of their own (esbuild only bundles). */
export const html = htm.bind(h);
