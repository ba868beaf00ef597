import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandContext } from '@ledger/commands';
import { nameBasedUuid, type EventStore } from '@ledger/event-store';
import { CommandContextFrom } from '../command-context/command-context.decorator';
import { Roles } from '../http/auth/auth.decorators';
import type { Request, Response } from 'express';
import { ApiProblems } from '../http/openapi-responses';
import { decodeCursor, NEXT_PAGE_HEADERS, pageOf } from '../http/pages';
import { EVENT_STORE } from '@ledger/runtime';
import { RecordWorkspaceCommand } from '../command-context/record-workspace-command';
import { ListPostsQuery, SchedulePostDto } from './schedule-post.dto';
import {
  comparePostOrder,
  isPostPosition,
  positionOfPost,
  postsOf,
  type PostView,
} from './post-views';
import { PostBody } from './post.response';

@ApiTags('posts')
@ApiBearerAuth()
@Controller('v1/workspaces/:ws/posts')
export class SchedulePostController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Post()
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
    await this.commands.execute(
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
    const post = (await postsOf(this.store, workspaceId)).find((p) => p.id === postId);
    if (!post) throw new Error('a scheduled post was not found in its stream');
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
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PostView[]> {
    const cursor = query.cursor === undefined ? null : decodeCursor(query.cursor, isPostPosition);
    const posts = await postsOf(this.store, workspaceId);
    const selected = query.status ? posts.filter((p) => p.status === query.status) : posts;
    const after = cursor && ((p: PostView) => comparePostOrder(positionOfPost(p), cursor) > 0);
    return pageOf(selected, query, positionOfPost, after, request, response);
  }
}
