/**
 * QR codes as SVG text, for the otpauth:// URI of TOTP enrolment.
 *
 * Implementation notes
 * - Drawn on the server (npm qrcode): the web client shows it as an image, without a QR library in
 *   its bundle. SVG scales sharply and is a few kilobytes.
 * - Error correction M and a 4-module quiet zone: what phone cameras read best off a screen.
 */
import QRCode from 'qrcode';

export async function qrCodeSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
}
