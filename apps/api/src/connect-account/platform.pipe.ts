import { type PipeTransform } from '@nestjs/common';
import { isPlatform, PLATFORMS, type Platform } from '@ledger/domain';
import { validationFailed } from '../http/problem';

/** `:platform` must be one of the six platforms. */
export class PlatformPipe implements PipeTransform<string, Platform> {
  transform(value: string): Platform {
    if (isPlatform(value)) return value;
    throw validationFailed('Unknown platform', [
      { field: 'platform', messages: [`platform must be one of ${PLATFORMS.join(', ')}`] },
    ]);
  }
}
