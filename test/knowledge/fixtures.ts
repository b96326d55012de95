/** A tiny valid PDF and a 1×1 PNG: what file-type must recognise from the bytes. */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** A multipart body as a browser's FormData sends it (fetch sets the boundary). */
export function form(fields: { titre?: string; diffusion?: string; fichier?: { bytes: Buffer; name: string; type?: string } }): FormData {
  const body = new FormData();
  if (fields.titre !== undefined) body.append('titre', fields.titre);
  if (fields.diffusion !== undefined) body.append('diffusion', fields.diffusion);
  if (fields.fichier) body.append('fichier', new Blob([fields.fichier.bytes], { type: fields.fichier.type ?? 'application/pdf' }), fields.fichier.name);
  return body;
}
