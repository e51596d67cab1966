import { pipeline } from 'node:stream/promises';

import { Principal, RequireScopes, UserOnly } from '@chain/auth';
import { Controller, Delete, Get, Param, Patch, Post, Put, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';

import { BffScope } from '../common/bff-catalogue';
import { type RelayAnswer, type RelayMethod, RelayService } from './relay.service';

const NAME_PARAM = {
  name: 'name',
  description: 'the downstream name in lower case, "_" as "-" (DOWNSTREAM_APIS__MY_API__* → my-api)',
};
const PATH_PARAM = { name: 'path', description: "the path under the downstream's base URL" };
const SUMMARY = 'Relayed on behalf of the user to a downstream declared with RELAY=true (docs/bff-relay.md)';

/**
 * `/api/relay/<name>/<path...>`: a downstream declared with `DOWNSTREAM_APIS__<NAME>__RELAY=true`, called
 * on behalf of the signed-in user, with no route of its own in the BFF. Same requirements as every other
 * `/api` route (a user token with `access_as_user`).
 */
@ApiTags('relay')
@UserOnly()
@RequireScopes(BffScope.AccessAsUser)
@Controller('api/relay')
export class RelayController {
  constructor(private readonly relayService: RelayService) {}

  @Get(':name/*path')
  @ApiOperation({ summary: SUMMARY })
  @ApiParam(NAME_PARAM)
  @ApiParam(PATH_PARAM)
  get(
    @Principal() user: Principal,
    @Param('name') name: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.relay('GET', user, name, req, res);
  }

  @Post(':name/*path')
  @ApiOperation({ summary: SUMMARY })
  @ApiParam(NAME_PARAM)
  @ApiParam(PATH_PARAM)
  post(
    @Principal() user: Principal,
    @Param('name') name: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.relay('POST', user, name, req, res);
  }

  @Put(':name/*path')
  @ApiOperation({ summary: SUMMARY })
  @ApiParam(NAME_PARAM)
  @ApiParam(PATH_PARAM)
  put(
    @Principal() user: Principal,
    @Param('name') name: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.relay('PUT', user, name, req, res);
  }

  @Patch(':name/*path')
  @ApiOperation({ summary: SUMMARY })
  @ApiParam(NAME_PARAM)
  @ApiParam(PATH_PARAM)
  patch(
    @Principal() user: Principal,
    @Param('name') name: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.relay('PATCH', user, name, req, res);
  }

  @Delete(':name/*path')
  @ApiOperation({ summary: SUMMARY })
  @ApiParam(NAME_PARAM)
  @ApiParam(PATH_PARAM)
  delete(
    @Principal() user: Principal,
    @Param('name') name: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.relay('DELETE', user, name, req, res);
  }

  /**
   * The answer is written here (`@Res()`), not returned: status and headers are the downstream's. Errors
   * thrown before it is written go through the interceptors and the problem filter like any route's.
   */
  private async relay(
    method: RelayMethod,
    user: Principal,
    name: string,
    req: Request,
    res: Response,
  ): Promise<void> {
    const answer = await this.relayService.relay(user, {
      method,
      name,
      originalUrl: req.originalUrl,
      headers: req.headers,
      body: req.body as unknown,
    });
    await send(answer, res);
  }
}

/**
 * Writes the downstream's answer. Its body is streamed, and cut when the request's time budget runs out
 * (the headers are gone by then: the caller sees the connection end, as with any cut stream).
 */
async function send(answer: RelayAnswer, res: Response): Promise<void> {
  res.status(answer.status);
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  const body = answer.body;
  if (body === undefined) {
    res.end();
    return;
  }
  const timer = setTimeout(
    () => body.destroy(new Error('the request deadline passed while relaying the answer')),
    Math.max(0, answer.deadlineAtMs - Date.now()),
  );
  timer.unref();
  try {
    await pipeline(body, res);
  } catch {
    // The status line is sent: nothing left to tell the caller but the cut connection.
    res.destroy();
  } finally {
    clearTimeout(timer);
  }
}
