import { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';

export const NEXT_CURSOR = { type: String, nullable: true, description: 'À passer en cursor pour la page suivante ; null sur la dernière page.' };

/**
 * `{items, nextCursor}` of `item`: extend it with a named class (`class XPageDto extends
 * PageOf(XDto) {}`), whose name becomes the schema's.
 */
export function PageOf<T>(item: Type<T>): Type<{ items: T[]; nextCursor: string | null }> {
  class Page {
    @ApiProperty({ type: item, isArray: true }) items: T[];
    @ApiProperty(NEXT_CURSOR) nextCursor: string | null;
  }
  return Page;
}

/** The `ETag` a single resource's answer carries (its version), for If-Match. */
export const ETAG_HEADER = { ETag: { description: 'La version de la ressource, à renvoyer dans If-Match.', schema: { type: 'string', example: '"3"' } } };

/** A creating POST's answer: its ETag, and where the new resource lives. */
export const CREATED_HEADERS = {
  ...ETAG_HEADER,
  Location: { description: 'L’adresse de la ressource créée.', schema: { type: 'string', example: '/api/v1/questions/0b6c…' } },
};
