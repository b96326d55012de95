import { Readable } from 'node:stream';
import { OnModuleDestroy } from '@nestjs/common';
import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3Settings } from '@app/core';
import { DocumentStorage, verifierCleDocument } from './document-storage';

/**
 * S3's smallest part. The upload holds at most PART_QUEUE parts being sent plus the one being
 * filled, so ~15 MiB per upload in flight whatever the file's size (DOCUMENT_TAILLE_MAX_MO may
 * reach 1 GiB); a file under one part is sent by a single PUT once it has arrived.
 */
const PART_SIZE = 5 * 1024 * 1024;
const PART_QUEUE = 2;

/** A store that does not even accept the connection fails the upload at once rather than after the OS's TCP timeout. */
const CONNECTION_TIMEOUT_MS = 5000;

/**
 * Documents as objects of one bucket of an S3-compatible store (AWS, Scaleway, OVH, MinIO…),
 * under the same keys as the local folder (ADR 0019). The upload is streamed in multipart parts;
 * a failed one is aborted and its key deleted, so nothing is left under it, as with the folder.
 */
export class S3DocumentStorage extends DocumentStorage implements OnModuleDestroy {
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(settings: S3Settings) {
    super();
    this.bucket = settings.bucket;
    this.client = new S3Client({
      endpoint: settings.endpoint,
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
      // The CRC checksums the SDK adds by default since early 2025 are refused or mishandled by
      // several S3-compatible stores; send them only where the API requires them (ADR 0019).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS },
    });
  }

  async put(key: string, content: Readable): Promise<{ taille: number }> {
    verifierCleDocument(key);
    let taille = 0;
    // lib-storage replaces the source's error by its own when the abort fails too: the caller
    // must see the source's (a multipart size limit is a 413, not a 500), so it is kept here.
    let sourceError: unknown;
    const counted = async function* () {
      try {
        for await (const chunk of content as AsyncIterable<Buffer | string>) {
          const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
          taille += bytes.length;
          yield bytes;
        }
      } catch (error) {
        sourceError = error;
        throw error;
      }
    };
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: Readable.from(counted(), { objectMode: false }), ContentType: 'application/octet-stream' },
      partSize: PART_SIZE,
      queueSize: PART_QUEUE,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
      return { taille };
    } catch (error) {
      content.destroy();
      // lib-storage has aborted the multipart upload. The key is new and no row names it yet, so
      // deleting it is safe, and it covers a completion that succeeded although its answer was lost.
      await this.delete(key).catch(() => undefined);
      throw sourceError ?? error;
    }
  }

  async get(key: string): Promise<Readable | null> {
    verifierCleDocument(key);
    try {
      const { Body } = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!(Body instanceof Readable)) throw new Error('S3 answered without a readable body');
      return Body;
    } catch (error) {
      if ((error as { name?: unknown }).name === 'NoSuchKey') return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    verifierCleDocument(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      // S3 answers 204 for a missing key; some compatible stores answer NoSuchKey.
      if ((error as { name?: unknown }).name !== 'NoSuchKey') throw error;
    }
  }

  /**
   * HeadBucket: the store answers, the bucket exists and the keys may use it. The probe is
   * public, so its failure names the error's kind and status only (no message, no bucket).
   */
  async verifier(signal?: AbortSignal): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), { abortSignal: signal });
    } catch (error) {
      const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
      throw new Error(`S3 store unreachable or refusing: ${name ?? 'Error'}${$metadata?.httpStatusCode ? ` (HTTP ${$metadata.httpStatusCode})` : ''}`);
    }
  }

  onModuleDestroy(): void {
    this.client.destroy();
  }
}
