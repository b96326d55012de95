import { Query, QueryHandler, IQueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthContext, TokenSubject } from '@app/core';
import { User } from '../persistence/directory.entities';

/** The active user a token names, as an AuthContext; null when unknown or deactivated. */
export class FindAuthUserQuery extends Query<AuthContext | null> {
  constructor(readonly subject: TokenSubject) {
    super();
  }
}

@QueryHandler(FindAuthUserQuery)
export class FindAuthUserHandler implements IQueryHandler<FindAuthUserQuery, AuthContext | null> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async execute({ subject }: FindAuthUserQuery): Promise<AuthContext | null> {
    const repo = this.dataSource.getRepository(User);
    const user =
      subject.kind === 'userId'
        ? /^[0-9a-f-]{36}$/i.test(subject.userId)
          ? await repo.findOneBy({ id: subject.userId, actif: true })
          : null
        : await repo.findOneBy({ email: subject.email.toLowerCase(), actif: true });
    return user ? toAuthContext(user) : null;
  }
}

export function toAuthContext(user: User): AuthContext {
  return {
    userId: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    perimetre: user.perimetre,
    maisonId: user.maisonId,
    directionId: user.directionId,
  };
}
