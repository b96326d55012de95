import { registerDecorator, ValidationOptions } from 'class-validator';

/** A parseable URL whose scheme is one of `protocols` and that names a host. */
export function IsConnectionUrl(protocols: string[], options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isConnectionUrl',
      target: target.constructor,
      propertyName,
      options: {
        message: `doit être une URL ${protocols.map((p) => p.replace(':', '://')).join(' ou ')}`,
        ...options,
      },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string') return false;
          try {
            const url = new URL(value);
            return protocols.includes(url.protocol) && url.hostname.length > 0;
          } catch {
            return false;
          }
        },
      },
    });
}
