import type { DiscoveryContributor } from '../discovery/handler.ts';
import { endpointUrl } from '../discovery/handler.ts';
import { END_SESSION_PATH } from './route.ts';

/** RP-Initiated Logout §2.1, Front-Channel Logout §3, Back-Channel Logout §2.1. */
export const endSessionDiscovery: DiscoveryContributor = (ctx) => ({
  end_session_endpoint: endpointUrl(ctx, END_SESSION_PATH),
  frontchannel_logout_supported: true,
  frontchannel_logout_session_supported: true,
  backchannel_logout_supported: true,
  backchannel_logout_session_supported: true,
});
