import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { NotFoundError } from '@app/core';
import { Public } from '../auth/auth.decorators';

/**
 * Words reserved under /questions for features to come. Without a route of their own,
 * `/questions/suggestions` would fall into `/questions/{id}` and answer 400 "UUID", as if the
 * client had sent a malformed id; it is an address that does not exist yet: 404, exactly as
 * any unknown address answers (no authentication needed to learn that). Fastify prefers a
 * static segment to a parameter, whatever the order of registration.
 */
@ApiExcludeController()
@Controller()
export class ReservedPathsController {
  @Public()
  @Get('questions/suggestions')
  suggestions(): never {
    throw new NotFoundError('Cette adresse ne correspond à aucune ressource.');
  }
}
