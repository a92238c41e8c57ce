import { describeConsumerWorkflow } from './support/workflow';

describeConsumerWorkflow({ name: 'nest12-esm', stack: 'nest12', kind: 'esm' });
