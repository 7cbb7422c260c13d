/** The job's own aggregations, registered in each worker (the engine loads this module by URL). */
import { registerAggregate } from '../../engine/aggregate/registry.js';
import { evidence } from './evidence.js';
import { templatesAggregate } from '../detect/templates/aggregate.js';
import { lineSample } from '../detect/lines/sample.js';
import { lineAnomalies } from '../detect/lines/anomalies.js';
import { lineFindings } from '../detect/lines/findings.js';
import { patternHitsAggregate } from '../detect/patterns.js';

registerAggregate(evidence as never);
registerAggregate(templatesAggregate as never);
registerAggregate(lineSample as never);
registerAggregate(lineAnomalies as never);
registerAggregate(lineFindings as never);
registerAggregate(patternHitsAggregate as never);
