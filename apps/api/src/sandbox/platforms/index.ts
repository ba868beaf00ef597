import type { Platform } from '@ledger/domain';
import type { SandboxPlatform } from '../sandbox-platform';
import { sandboxFacebook } from './facebook';
import { sandboxInstagram } from './instagram';
import { sandboxLinkedIn } from './linkedin';
import { sandboxThreads } from './threads';
import { sandboxTikTok } from './tiktok';
import { sandboxX } from './x';

export const SANDBOX_PLATFORMS: Record<Platform, SandboxPlatform> = {
  x: sandboxX,
  facebook: sandboxFacebook,
  instagram: sandboxInstagram,
  threads: sandboxThreads,
  tiktok: sandboxTikTok,
  linkedin: sandboxLinkedIn,
};
