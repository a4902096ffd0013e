import { defineStrings } from '../define.js';

/** Files in the console: the composer's attach button and upload errors, the transcript's file links (issue 13). */
export const attachments = defineStrings(
  {
    attach: 'Attach a file',
    attachHint: 'Pictures, PDF, text or office documents. You can also paste or drop a file here.',
    uploading: 'Sending {name}… {percent}%',
    open: 'Open {name} ({size})',
    download: 'Download',
    tooLarge: 'This file is too large to send.',
    notAllowed: 'This type of file cannot be sent: send a picture, a PDF, a text file or an office document.',
    tooMany: 'This conversation has as many files as it can hold.',
    rateLimited: 'Too many files right now. Try again in a moment.',
    failed: 'The file was not sent: {reason}',
    dismiss: 'Dismiss',
  },
  {
    attach: '发送文件',
    attachHint: '图片、PDF、文本或 Office 文档。也可以直接粘贴或拖放文件到这里。',
    uploading: '正在发送 {name}… {percent}%',
    open: '打开 {name}（{size}）',
    download: '下载',
    tooLarge: '文件太大，无法发送。',
    notAllowed: '不支持发送此类文件：请发送图片、PDF、文本文件或 Office 文档。',
    tooMany: '此会话的文件数量已达上限。',
    rateLimited: '发送文件过于频繁，请稍后再试。',
    failed: '文件未发送：{reason}',
    dismiss: '关闭',
  },
);
