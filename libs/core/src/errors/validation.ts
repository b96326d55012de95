import { ArgumentMetadata, HttpException, Logger, ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, FieldError, ValidationFailedError } from './domain-error';

/** Flattens class-validator errors to `{field: 'usager.consentement', message}` (French messages). */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      out.push({ field, message: frenchMessage(field, message) });
    }
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}

/**
 * class-validator's built-in messages are English; DTOs give French ones where they matter,
 * and this turns the common leftovers into French so a user never reads English.
 */
function frenchMessage(field: string, message: string): string {
  const whitelist = /^property (.*) should not exist$/s.exec(message);
  if (whitelist) return `Le champ « ${field} » n’est pas attendu.`;
  if (/must be a UUID$/.test(message)) return 'doit être un identifiant (UUID) valide.';
  if (/should not be empty$/.test(message)) return 'est obligatoire.';
  if (/must be a string$/.test(message)) return 'doit être une chaîne de caractères.';
  if (/must be a boolean value$/.test(message)) return 'doit être un booléen (true ou false).';
  if (/must be an integer number$/.test(message)) return 'doit être un nombre entier.';
  if (/must not be less than (\d+)$/.test(message)) return `doit être supérieur ou égal à ${/(\d+)$/.exec(message)![1]}.`;
  if (/must not be greater than (\d+)$/.test(message)) return `doit être inférieur ou égal à ${/(\d+)$/.exec(message)![1]}.`;
  if (/must be one of the following values: (.*)$/.test(message))
    return `doit valoir l’une des valeurs suivantes : ${/values: (.*)$/.exec(message)![1]}.`;
  if (/must be a valid ISO 8601 date string$/.test(message)) return 'doit être une date ISO 8601 (ex. 2026-12-01T17:00:00+01:00).';
  if (/must be an email$/.test(message)) return 'doit être une adresse e-mail valide.';
  if (/must be shorter than or equal to (\d+) characters$/.test(message))
    return `ne doit pas dépasser ${/(\d+) characters$/.exec(message)![1]} caractères.`;
  if (/must be longer than or equal to (\d+) characters$/.test(message))
    return `doit contenir au moins ${/(\d+) characters$/.exec(message)![1]} caractères.`;
  if (/must be an array$/.test(message)) return 'doit être une liste.';
  if (/nested property .* must be either object or array$/.test(message)) return 'doit être un objet.';
  if (/must contain no more than (\d+) elements$/.test(message)) return `ne doit pas contenir plus de ${/(\d+) elements$/.exec(message)![1]} éléments.`;
  if (/must contain at least (\d+) elements$/.test(message)) return `doit contenir au moins ${/(\d+) elements$/.exec(message)![1]} éléments.`;
  if (/must be a number conforming to the specified constraints$/.test(message)) return 'doit être un nombre.';
  if (/must be an object$/.test(message)) return 'doit être un objet.';
  if (/must be a URL address$/.test(message)) return 'doit être une adresse web complète (https://…).';
  if (/must match .* regular expression$/.test(message)) return 'n’a pas le format attendu.';
  // A default message of class-validator not translated above: never English to a user.
  if (/\b(must|should)\b/.test(message)) return 'valeur invalide.';
  return message;
}

/**
 * A NUL (PostgreSQL text cannot hold it) or a lone UTF-16 surrogate (not a character: it has
 * no UTF-8 form, so it cannot be stored, hashed or sent back faithfully).
 */
const UNSAFE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSAFE_TEXT_ALL = new RegExp(UNSAFE_TEXT.source, 'g');

export const UNSAFE_TEXT_MESSAGE = 'contient un caractère interdit (caractère nul ou caractère Unicode invalide).';

/**
 * Every string of a request input (values and keys, at any depth) that holds a NUL or a lone
 * surrogate, as `{field: 'usager.nom'}`. Runs before class-validator, whatever the DTO says,
 * so no text field anywhere can let one reach the database. Walks iteratively: the JSON
 * parser already bounds the depth, this bounds nothing else.
 */
export function unsafeTextErrors(value: unknown, root = ''): FieldError[] {
  const errors: FieldError[] = [];
  const stack: Array<[unknown, string]> = [[value, root]];
  while (stack.length) {
    const [current, path] = stack.pop()!;
    if (typeof current === 'string') {
      if (UNSAFE_TEXT.test(current)) errors.push({ field: path || 'corps', message: UNSAFE_TEXT_MESSAGE });
    } else if (current !== null && typeof current === 'object') {
      for (const [key, child] of Object.entries(current)) {
        // A key shown in the error must itself be printable.
        const field = path ? `${path}.${key.replace(UNSAFE_TEXT_ALL, '\ufffd')}` : key.replace(UNSAFE_TEXT_ALL, '\ufffd');
        if (UNSAFE_TEXT.test(key)) errors.push({ field, message: UNSAFE_TEXT_MESSAGE });
        stack.push([child, field]);
      }
    }
  }
  return errors.reverse();
}

/** The one ValidationPipe of the API: whitelist, refuse unknown fields, transform, French errors. */
export function createValidationPipe(): ValidationPipe {
  return new RelaisValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => new ValidationFailedError(flattenValidationErrors(errors)),
  });
}

/** Nest's ValidationPipe, after a pass that refuses unsafe text in bodies, query strings and paths. */
class RelaisValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const errors = unsafeTextErrors(value, metadata.data ?? '');
      if (errors.length) throw new ValidationFailedError(errors);
    }
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof DomainError || error instanceof HttpException) throw error;
      // A validator that throws (class-validator's own have on odd input) was thrown by what
      // the client sent: a 400, not a 500. Logged without the value, so the validator gets fixed.
      new Logger('ValidationPipe').warn({ err: { name: (error as Error)?.name, message: (error as Error)?.message }, dto: metadata.metatype?.name }, 'Validator threw');
      throw new ValidationFailedError([{ field: metadata.type === 'body' ? (metadata.data ?? 'corps') : (metadata.data ?? metadata.type), message: 'valeur invalide.' }]);
    }
  }
}
