/** The resource-server helper: what an API imports to accept Portcullis access tokens. */
export { AccessTokenError, memoryReplayStore, verifyAccessToken } from './verify-access-token.ts';
export type { ProofReplayStore, ResourceRequest, VerifiedAccessToken, VerifyAccessTokenOptions } from './verify-access-token.ts';
