import { ArgumentsHost, NotFoundException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { DomainError, StaleVersionError, ValidationFailedError } from './domain-error';
import { ProblemFilter, toProblem } from './problem.filter';
import { createValidationPipe } from './validation';
import { IsBoolean, IsString, MaxLength, ValidateNested, Equals } from 'class-validator';
import { Type } from 'class-transformer';

class UsagerDto {
  @IsString() nom: string;
  @Equals(true, { message: 'doit être accepté (true).' }) consentement: boolean;
}
class QuestionDto {
  @IsString() @MaxLength(10) objet: string;
  @IsBoolean() urgent: boolean;
  @ValidateNested() @Type(() => UsagerDto) usager: UsagerDto;
}

function fakeHost(url = '/api/v1/questions') {
  const reply = { statusCode: 0, headers: {} as Record<string, string>, payload: undefined as unknown };
  const host = {
    switchToHttp: () => ({
      getRequest: () => ({ url: `${url}?x=1`, id: 'req-1' }),
      getResponse: () => ({
        status(code: number) {
          reply.statusCode = code;
          return this;
        },
        header(name: string, value: string) {
          reply.headers[name] = value;
          return this;
        },
        send(payload: unknown) {
          reply.payload = payload;
        },
      }),
    }),
  } as unknown as ArgumentsHost;
  return { host, reply };
}

describe('ProblemFilter', () => {
  it('sends a DomainError as problem+json with its status, code, French detail and extensions', () => {
    const { host, reply } = fakeHost();
    new ProblemFilter().catch(
      new DomainError('TRANSITION_INTERDITE', 'conflict', 'Action impossible depuis l’état « close ».', { etatActuel: 'close' }),
      host,
    );
    expect(reply.statusCode).toBe(409);
    expect(reply.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(reply.payload).toEqual({
      type: 'urn:relais:probleme:transition-interdite',
      title: 'Conflit',
      status: 409,
      detail: 'Action impossible depuis l’état « close ».',
      code: 'TRANSITION_INTERDITE',
      instance: '/api/v1/questions',
      etatActuel: 'close',
    });
  });

  it('maps every kind to its status', () => {
    expect(toProblem(new StaleVersionError(2, 3)).status).toBe(412);
    expect(toProblem(new DomainError('X', 'unprocessable', 'non')).status).toBe(422);
    expect(toProblem(new DomainError('X', 'not_found', 'non')).status).toBe(404);
    expect(toProblem(new DomainError('X', 'forbidden', 'non')).status).toBe(403);
    expect(toProblem(new DomainError('X', 'unauthenticated', 'non')).status).toBe(401);
  });

  it('hides internals of unexpected errors behind a French 500', () => {
    const problem = toProblem(new Error('connection refused at 10.0.0.3:5432 password=secret'));
    expect(problem.status).toBe(500);
    expect(JSON.stringify(problem)).not.toMatch(/secret|10\.0\.0\.3/);
    expect(problem.detail).toMatch(/Une erreur inattendue/);
  });

  it('turns framework errors into French problems', () => {
    expect(toProblem(new NotFoundException()).detail).toBe('Cette adresse ne correspond à aucune ressource.');
    expect(toProblem(new ThrottlerException()).status).toBe(429);
    expect(toProblem({ statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }).detail).toMatch(/JSON valide/);
    expect(toProblem({ statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }).status).toBe(415);
  });

  it('lists every invalid field, nested ones by path, in French', async () => {
    const pipe = createValidationPipe();
    const error = await pipe
      .transform(
        { objet: 'beaucoup trop long', urgent: 'oui', usager: { nom: 3, consentement: false }, extra: 1 },
        { type: 'body', metatype: QuestionDto },
      )
      .catch((e) => e);
    expect(error).toBeInstanceOf(ValidationFailedError);
    const problem = toProblem(error);
    expect(problem.status).toBe(400);
    const fields = problem.errors!.map((e) => e.field).sort();
    expect(fields).toEqual(['extra', 'objet', 'urgent', 'usager.consentement', 'usager.nom']);
    const byField = Object.fromEntries(problem.errors!.map((e) => [e.field, e.message]));
    expect(byField.objet).toBe('ne doit pas dépasser 10 caractères.');
    expect(byField['usager.consentement']).toBe('doit être accepté (true).');
    expect(byField.extra).toBe('Le champ « extra » n’est pas attendu.');
    expect(JSON.stringify(problem.errors)).not.toMatch(/must|should/);
  });
});

describe('body parser errors rethrown by the Fastify adapter', () => {
  it('explains a malformed or empty JSON body in French', () => {
    const { HttpException } = jest.requireActual('@nestjs/common');
    const invalid = toProblem(new HttpException("Body is not valid JSON but content-type is set to 'application/json'", 400));
    expect(invalid).toMatchObject({ status: 400, code: 'CORPS_INVALIDE', detail: 'Le corps de la requête n’est pas un JSON valide.' });
    const empty = toProblem(new HttpException("Body cannot be empty when content-type is set to 'application/json'", 400));
    expect(empty.detail).toMatch(/vide/);
  });
});
