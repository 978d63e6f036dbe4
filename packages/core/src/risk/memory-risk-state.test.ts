import { riskStateContract } from '../../../storage/src/risk-state.contract';
import { MemoryRiskState } from './memory-risk-state';

riskStateContract('memory', async (options) => new MemoryRiskState(options));
