/**
 * The words of attachments in the widget (issue 13), in the two languages it speaks. They travel
 * with the file module (visitor-files.ts), which loads only when a visitor attaches a file or a
 * message with one is shown; the attach button's own name is in i18n.ts, with the panel.
 */
import type { Locale } from '@support-chat/shared';

const en = {
  uploading: 'Sending {name}… {percent}%',
  tooLarge: '{name} is too large to send: files can be up to {limit}.',
  notAllowed: '{name} cannot be sent: send a picture, a PDF, a text file or an office document.',
  tooMany: 'This conversation cannot take more files.',
  rateLimited: 'Too many files in a short time. Please wait a moment and try again.',
  failed: '{name} was not sent. Please try again.',
  open: '{name} ({size}), opens full size',
  download: 'Download',
  dismiss: 'Dismiss',
};

export type FileStrings = typeof en;

const zhCN: FileStrings = {
  uploading: '正在发送 {name}… {percent}%',
  tooLarge: '{name} 太大，无法发送：文件不能超过 {limit}。',
  notAllowed: '无法发送 {name}：请发送图片、PDF、文本文件或 Office 文档。',
  tooMany: '本次对话不能再发送更多文件。',
  rateLimited: '发送文件太频繁，请稍候再试。',
  failed: '{name} 未发送，请重试。',
  open: '{name}（{size}），点击查看原图',
  download: '下载',
  dismiss: '关闭',
};

export const FILE_STRINGS: Record<Locale, FileStrings> = { en, 'zh-CN': zhCN };
