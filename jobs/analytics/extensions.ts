/** The job's own aggregations, registered in each worker (the engine loads this module by URL). */
import { registerAggregate } from '../../engine/aggregate/registry.js';
import { evidence } from './evidence.js';
import { templatesAggregate } from '../detect/templates/aggregate.js';

registerAggregate(evidence as never);
registerAggregate(templatesAggregate as never);
