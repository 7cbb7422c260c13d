/**
 * Template mining ("error types"): mask and tokenize messages (mask.ts), count distinct
 * masked keys per partition in a mergeable sketch (sketch.ts), mine templates once from
 * the merged sketch (mine.ts). See README.md for the design and the measured accuracy.
 */
export { WILDCARD, TokenKind, type Tokenized, tokenize, maskedKey, displayKey, keyTokens } from './mask.js';
export { TemplateSketch, type KeyStats, type SketchJSON, DEFAULT_MAX_KEYS, MAX_EXAMPLE } from './sketch.js';
export { mineTemplates, TemplateSet, type Template, type MineOptions, type TemplateSetJSON, DEFAULT_MINE_OPTIONS, OVERFLOW_TEMPLATE } from './mine.js';
export { templatesAggregate } from './aggregate.js';
export { errorTypes, isNewType, levelNames, newSince, templatesTable } from './report.js';
export { groupingAccuracy } from './accuracy.js';
