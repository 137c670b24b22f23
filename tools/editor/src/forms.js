// A form tab: the JSON Schema and UI hints as text, and a preview rendered by Senapas's own form renderer.

function csrf() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : '';
}

export class FormTab {
  constructor(pane, name, schema, ui, previewUrl, texts) {
    this.name = name;
    this.previewUrl = previewUrl;
    this.texts = texts;
    this.hasUi = ui !== undefined;
    pane.classList.add('form-pane');
    const left = document.createElement('div');
    left.className = 'form-source';
    this.schema = this.area(left, texts.form_schema, 'schema', schema);
    this.ui = this.hasUi ? this.area(left, texts.form_ui, 'ui', ui) : null;
    this.error = document.createElement('p');
    this.error.className = 'error';
    this.error.hidden = true;
    left.append(this.error);
    this.preview = document.createElement('div');
    this.preview.className = 'form-preview';
    this.preview.setAttribute('aria-live', 'polite');
    pane.append(left, this.preview);
    this.timer = null;
    this.refresh();
  }

  area(parent, label, kind, text) {
    const id = `form-${kind}-${this.name.replace(/[^a-z0-9]/gi, '_')}`;
    const lab = document.createElement('label');
    lab.htmlFor = id;
    lab.textContent = label;
    const area = document.createElement('textarea');
    area.id = id;
    area.name = kind;
    area.spellcheck = false;
    area.rows = kind === 'schema' ? 24 : 6;
    area.value = text;
    area.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.refresh(), 400);
    });
    parent.append(lab, area);
    return area;
  }

  schemaText() { return this.schema.value; }

  uiText() { return this.ui ? this.ui.value : null; }

  async refresh() {
    const body = new FormData();
    body.append('schema', this.schema.value);
    if (this.ui) body.append('ui', this.ui.value);
    const response = await fetch(this.previewUrl, { method: 'POST', body, credentials: 'same-origin',
      headers: { 'X-CSRFToken': csrf() } });
    const text = await response.text();
    if (response.ok) {
      this.error.hidden = true;
      this.preview.innerHTML = text;
    } else {
      this.error.hidden = false;
      this.error.textContent = text;
    }
  }
}
