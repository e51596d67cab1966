import { HttpModule, HttpService } from '@nestjs/axios';
import { Controller, Get, Injectable, Module, Param, ParseUUIDPipe } from '@nestjs/common';
import type { AxiosRequestConfig } from 'axios';
import { firstValueFrom } from 'rxjs';

import type { BaselineProgramme } from './baseline-program.module';

/** Where the baseline bff forwards (set by baseline-main.ts from the environment). */
export const BASELINE_DOWNSTREAMS = Symbol('BASELINE_DOWNSTREAMS');
export interface BaselineDownstreams {
  readonly program: string;
  readonly pricing: string;
}

/** The bff's quote: the programme from program-service, then its premium from pricing-service; no tokens. */
@Injectable()
export class BaselineQuoteService {
  constructor(
    private readonly http: HttpService,
    private readonly urls: BaselineDownstreams,
  ) {}

  async quote(id: string): Promise<{ programme: BaselineProgramme; quote: unknown }> {
    const programme = await this.call<BaselineProgramme>({
      url: `${this.urls.program}/programmes/${encodeURIComponent(id)}`,
      method: 'GET',
    });
    const { lineOfBusiness, region, insuredValue } = programme;
    const quote = await this.call<unknown>({
      url: `${this.urls.pricing}/quotes`,
      method: 'POST',
      data: { lineOfBusiness, region, insuredValue },
    });
    return { programme, quote };
  }

  /** The same request options as libs/auth's DownstreamApi (timeout, no redirects, status checked by the caller). */
  private async call<T>(config: AxiosRequestConfig): Promise<T> {
    const response = await firstValueFrom(
      this.http.request<T>({ ...config, timeout: 10_000, maxRedirects: 0, validateStatus: () => true }),
    );
    if (response.status >= 400) throw new Error(`downstream answered ${response.status}`);
    return response.data;
  }
}

@Controller('api/programmes')
export class BaselineBffController {
  constructor(private readonly quotes: BaselineQuoteService) {}

  @Get(':id/quote')
  quote(@Param('id', ParseUUIDPipe) id: string): Promise<unknown> {
    return this.quotes.quote(id);
  }
}

@Module({})
export class BaselineBffModule {
  static forRoot(urls: BaselineDownstreams) {
    return {
      module: BaselineBffModule,
      imports: [HttpModule],
      controllers: [BaselineBffController],
      providers: [
        { provide: BASELINE_DOWNSTREAMS, useValue: urls },
        {
          provide: BaselineQuoteService,
          inject: [HttpService, BASELINE_DOWNSTREAMS],
          useFactory: (http: HttpService, u: BaselineDownstreams) => new BaselineQuoteService(http, u),
        },
      ],
    };
  }
}
