import { Controller, Get, Header, Param, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { workspaceStream } from '@ledger/domain';
import { AuditVerifier, ChainCheckpoints, type AuditVerification } from '@ledger/audit';
import { Roles } from '../http/auth/auth.decorators';
import { AuditVerificationBody } from './audit-verification.response';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/workspaces/:ws/audit')
export class VerifyAuditController {
  constructor(
    private readonly verifier: AuditVerifier,
    private readonly checkpoints: ChainCheckpoints,
  ) {}

  @Get('verify')
  @Roles('owner', 'admin', 'auditor')
  @ApiOperation({
    summary: 'Tamper check of the workspace history',
    description:
      'Checks the hash chain of the workspace stream, its signed checkpoints and their own ' +
      'chain. `ok: false` with `failures`: `bad-event` (firstBadEvent: an event was edited, ' +
      'deleted, reordered or inserted), `missing-checkpoint` (missingCheckpoint: an event older ' +
      'than AUDIT_CHECKPOINT_EVERY_MS + AUDIT_CHECKPOINT_GRACE_MS has no checkpoint, e.g. ' +
      'checkpoints were deleted), `broken-checkpoint-chain` (badCheckpoint: a forged, edited ' +
      'or deleted checkpoint).',
  })
  @ApiOkResponse({ type: AuditVerificationBody })
  verify(@Param('ws') workspaceId: string): Promise<AuditVerification> {
    return this.verifier.verifyWorkspace(workspaceId);
  }

  @Get('checkpoints')
  @Roles('owner', 'admin', 'auditor')
  @Header('Content-Type', 'application/x-ndjson; charset=utf-8')
  @ApiProduces('application/x-ndjson')
  @ApiOperation({
    summary: 'Signed chain checkpoints of the workspace, as JSON Lines, for anchoring elsewhere',
    description:
      'Each line: {streamId, revision, hash, signedAt, keyId, sequence, prevCheckpointHash, ' +
      'signature, publicKey}; the Ed25519 signature covers the canonical JSON of {hash, keyId, ' +
      'prevCheckpointHash, revision, sequence, signedAt, streamId}. prevCheckpointHash is the ' +
      'SHA-256 (hex) of the previous checkpoint’s signed bytes (sequence 1: 64 zeros, or the ' +
      'newest legacy checkpoint). Legacy lines (signed before chaining) have sequence and ' +
      'prevCheckpointHash null and a signature over the five other fields.',
  })
  @ApiOkResponse({
    description: 'One signed checkpoint per line',
    content: { 'application/x-ndjson': { schema: { type: 'string' } } },
  })
  exportCheckpoints(@Param('ws') workspaceId: string): StreamableFile {
    return new StreamableFile(
      Readable.from(this.checkpoints.exportJsonLines([workspaceStream(workspaceId)])),
    );
  }
}
