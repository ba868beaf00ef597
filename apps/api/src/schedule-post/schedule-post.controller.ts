import { Body, Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandContext, WorkspaceCommandResult } from '@ledger/commands';
import type { PostScheduled } from '@ledger/domain';
import { nameBasedUuid } from '@ledger/event-store';
import { scheduledPost, type WorkspaceReadModel } from '@ledger/read-models';
import { CommandContextFrom } from '../command-context/command-context.decorator';
import { Roles } from '../http/auth/auth.decorators';
import type { HttpReply, HttpRequest } from '../http/http-exchange';
import { ApiProblems } from '../http/openapi-responses';
import { decodeCursor, NEXT_PAGE_HEADERS, PAGE_DEFAULT, pageOf } from '../http/pages';
import { WORKSPACE_READ_MODEL } from '@ledger/runtime';
import { RecordWorkspaceCommand } from '../command-context/record-workspace-command';
import { WaitUntilShown } from '../command-context/wait-until-shown';
import { ListPostsQuery, SchedulePostDto } from './schedule-post.dto';
import { isPostPosition, positionOfPost, type PostView } from './post-views';
import { PostBody } from './post.response';
import { IdempotentPost } from '../http/idempotency/idempotent-post';

@ApiTags('posts')
@ApiBearerAuth()
@Controller('v1/workspaces/:ws/posts')
export class SchedulePostController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(WORKSPACE_READ_MODEL) private readonly readModel: WorkspaceReadModel,
    private readonly waitUntilShown: WaitUntilShown,
  ) {}

  @IdempotentPost()
  @Roles('owner', 'admin', 'editor')
  @ApiOperation({
    summary:
      'Schedule a post; without connectionId it goes to the campaign’s account, else the main account',
  })
  @ApiCreatedResponse({ type: PostBody })
  @ApiProblems({
    404: '`NOT_FOUND`: no such connection (on this platform) or campaign in this workspace',
    409: '`NO_MAIN_ACCOUNT`: no connectionId, and the platform has no main account',
    422: '`POST_TOO_LONG`: longer than the account allows (see postLengthLimit); `MEDIA_REQUIRED`: Instagram and TikTok publish no text-only post',
  })
  async schedule(
    @Param('ws') workspaceId: string,
    @Body() body: SchedulePostDto,
    @CommandContextFrom() context: CommandContext,
  ): Promise<PostView> {
    const postId = nameBasedUuid(`post\u0000${context.commandId}`);
    const result: WorkspaceCommandResult = await this.commands.execute(
      new RecordWorkspaceCommand(
        {
          type: 'SchedulePost',
          workspaceId,
          postId,
          platform: body.platform,
          connectionId: body.connectionId ?? null,
          content: body.content,
          publishAt: new Date(body.publishAt).toISOString(),
          campaignId: body.campaignId ?? null,
        },
        context,
      ),
    );
    // The caller's next GET /posts shows it.
    await this.waitUntilShown.after(workspaceId, result);
    const scheduled = result.events.find((e): e is PostScheduled => e.type === 'PostScheduled');
    // A read model still late after the wait: the post as the command recorded it.
    const post =
      (await this.readModel.getPost(workspaceId, postId)) ??
      (scheduled ? scheduledPost(scheduled) : null);
    if (!post) throw new Error('a scheduled post is neither in the read model nor just recorded');
    return post;
  }

  @Get()
  @Roles('owner', 'admin', 'editor', 'auditor')
  @ApiOperation({
    summary:
      'Posts with their status (scheduled, published, failed) and reason, by publishAt then id; ' +
      'cursor pages (`limit`, the `Next-Cursor` header)',
  })
  @ApiOkResponse({ type: [PostBody], headers: NEXT_PAGE_HEADERS })
  async list(
    @Param('ws') workspaceId: string,
    @Query() query: ListPostsQuery,
    @Req() request: HttpRequest,
    @Res({ passthrough: true }) response: HttpReply,
  ): Promise<PostView[]> {
    const cursor = query.cursor === undefined ? null : decodeCursor(query.cursor, isPostPosition);
    // One more than the page: pageOf sets the next-page headers when it is there.
    const posts = await this.readModel.listPosts(workspaceId, {
      status: query.status,
      after: cursor,
      limit: (query.limit ?? PAGE_DEFAULT) + 1,
    });
    return pageOf(posts, query, positionOfPost, null, request, response);
  }
}
