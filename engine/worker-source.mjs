// Worker entry when logframe runs from its TypeScript sources (tsx, vitest): register tsx's
// loader in this thread so the worker and the modules it imports dynamically (extensions)
// load as TypeScript, then hand over to the real entry. Compiled runs use worker.js directly.
import { register } from 'tsx/esm/api';

register();
const entry = await import('./worker.ts');
export default entry.default;
