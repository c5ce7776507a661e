/**
 * The rich text editor (TipTap: ProseMirror underneath), with a toolbar of toggle buttons. It gives
 * HTML and its plain text version to its owner on every change.
 *
 * Accessibility: the editable area is a labelled multi-line textbox; the toolbar is a toolbar whose
 * buttons say their state with aria-pressed; Ctrl+B/I/U work as everywhere.
 */
import { EditorContent, useEditor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { useEffect } from 'react';
import { useT } from '../../i18n/locale-context';

export interface RichTextEditorProps {
  initialHtml: string;
  label: string;
  /** `initial`: the editor's first rendering of the given HTML, not a change by the user. */
  onChange: (html: string, text: string, initial: boolean) => void;
}

export function RichTextEditor({ initialHtml, label, onChange }: RichTextEditorProps) {
  const t = useT();
  const editor = useEditor({
    extensions: [
      StarterKit.configure({ link: { openOnClick: false, autolink: true, defaultProtocol: 'https' } }),
    ],
    content: initialHtml,
    editorProps: {
      attributes: {
        role: 'textbox',
        'aria-multiline': 'true',
        'aria-label': label,
        class: 'composer__editor',
        spellcheck: 'true',
      },
    },
    onUpdate: ({ editor: current }) =>
      onChange(current.getHTML(), current.getText({ blockSeparator: '\n\n' }), false),
  });
  // The first value is reported too, so that a reply's quote is in the draft before any key press.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when the editor exists
  useEffect(() => {
    // Under StrictMode the first editor is destroyed at once: only a live one has a value.
    if (editor && !editor.isDestroyed)
      onChange(editor.getHTML(), editor.getText({ blockSeparator: '\n\n' }), true);
  }, [editor]);
  if (!editor) return null;
  const button = (name: string, label: string, active: boolean, run: () => void) => (
    <button
      key={name}
      type="button"
      className="composer__tool"
      aria-pressed={active}
      title={label}
      onMouseDown={(event) => event.preventDefault()}
      onClick={run}
    >
      {label}
    </button>
  );
  return (
    <div className="composer__rich">
      <div className="composer__toolbar" role="toolbar" aria-label={t('compose.toolbar')}>
        {button('bold', t('compose.bold'), editor.isActive('bold'), () =>
          editor.chain().focus().toggleBold().run(),
        )}
        {button('italic', t('compose.italic'), editor.isActive('italic'), () =>
          editor.chain().focus().toggleItalic().run(),
        )}
        {button('underline', t('compose.underline'), editor.isActive('underline'), () =>
          editor.chain().focus().toggleUnderline().run(),
        )}
        {button('bullets', t('compose.bullets'), editor.isActive('bulletList'), () =>
          editor.chain().focus().toggleBulletList().run(),
        )}
        {button('numbers', t('compose.numbers'), editor.isActive('orderedList'), () =>
          editor.chain().focus().toggleOrderedList().run(),
        )}
        {button('quote', t('compose.quote'), editor.isActive('blockquote'), () =>
          editor.chain().focus().toggleBlockquote().run(),
        )}
      </div>
      <EditorContent editor={editor} />
    </div>
  );
}

export default RichTextEditor;
