/**
 * Connectors' front door: the helper that delivers events to a hub at least once, the mall claim
 * client, and the simulated audience that uses them in the studio and in rehearsal.
 */
export {
  createConnector,
  createMallClaimer,
  type Connector,
  type ConnectorLogger,
  type ConnectorOptions,
  type ConnectorStats,
  type ConnectorStatus,
  type MallClaimer,
  type MallClaimerOptions,
  type RejectedEvent,
} from './client.js';
export { createSimulator, type ClaimFn, type CouponClaimFn, type Simulator, type SimulatorOptions, type SimulatorState } from './simulator.js';
export { createRng, hashSeed, type Rng } from './rng.js';
