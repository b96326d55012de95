import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Problem, PROBLEM_CONTENT_TYPE, problemType, TITLE_BY_STATUS } from './problem';
import { toProblem } from './problem.filter';

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses before any request exists
 * (headers too large, a malformed request line or header, a request too slow) is answered as
 * problem+json too, in French, instead of Fastify's English JSON. Nothing of the request is
 * echoed back. Written straight to the socket, then closed, as Node and Fastify do.
 */
export function problemClientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const [code, detail] =
    status === 408
      ? ['DELAI_REQUETE_DEPASSE', 'La requête n’a pas été reçue à temps.']
      : status === 431
        ? ['EN_TETES_TROP_VOLUMINEUX', 'Les en-têtes de la requête sont trop volumineux.']
        : ['REQUETE_MALFORMEE', 'La requête HTTP est malformée.'];
  const problem: Problem = { type: problemType(code), title: TITLE_BY_STATUS[status] ?? 'Erreur', status, detail, code };
  const body = JSON.stringify(problem);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * Fastify's `frameworkErrors`: what its router refuses before routing (a malformed
 * percent-encoding, an over-long parameter) answers problem+json like any other error. The
 * URL is not echoed (no `instance`): it is the malformed part.
 */
export function problemFrameworkErrorHandler(error: Error, _request: FastifyRequest, reply: FastifyReply): void {
  const problem = toProblem(error);
  void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
}
