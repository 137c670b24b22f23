// The bundle editor page: one tab per BPMN, DMN and form file; checks and saves through the Senapas API.
import BpmnModeler from 'bpmn-js/lib/Modeler';
import DmnModeler from 'dmn-js/lib/Modeler';
import spiffworkflow from './spiffworkflow.json';
import { Panel } from './panel.js';
import { FormTab } from './forms.js';

const $ = (sel, root = document) => root.querySelector(sel);

function csrf() {
  const meta = $('meta[name="csrf-token"]');
  return meta ? meta.content : '';
}

function node(tag, attrs, text) {
  const n = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => n.setAttribute(k, v));
  if (text !== undefined) n.textContent = text;
  return n;
}

class Editor {
  constructor(root, data) {
    this.root = root;
    this.data = data;
    this.texts = data.texts;
    this.files = { ...data.files };
    this.tabs = {};
    this.current = null;
    this.tabBar = $('#editor-tabs', root);
    this.stage = $('#editor-stage', root);
    this.findings = $('#editor-findings', root);
    this.status = $('#editor-status', root);
    const names = Object.keys(this.files).sort();
    const order = (n) => (n === data.main ? 0 : n.endsWith('.bpmn') ? 1 : n.endsWith('.dmn') ? 2 : 3);
    names.filter((n) => /\.(bpmn|dmn)$/.test(n) || (/^forms\/.*\.json$/.test(n) && !n.endsWith('.ui.json')))
      .sort((a, b) => order(a) - order(b) || a.localeCompare(b))
      .forEach((name) => this.addTab(name));
    $('#editor-check', root).addEventListener('click', () => this.check());
    $('#editor-save', root).addEventListener('submit', (e) => { e.preventDefault(); this.save(); });
    this.dirty = false;
    this.stage.addEventListener('input', () => { this.dirty = true; });
    window.addEventListener('beforeunload', (e) => {
      if (this.dirty) {
        e.preventDefault();
        e.returnValue = '';
      }
    });
    this.open(data.main);
  }

  addTab(name) {
    const kind = name.startsWith('forms/') ? 'form' : 'model';
    const button = node('button', { type: 'button', role: 'tab', 'data-file': name, class: `tab tab-${kind}` },
      name.replace(/^forms\//, ''));
    button.addEventListener('click', () => this.open(name));
    this.tabBar.append(button);
  }

  context() {
    return {
      texts: this.texts,
      forms: () => Object.keys(this.files).filter((n) => n.startsWith('forms/')).map((n) => n.slice(6)),
      decisions: () => this.idsIn('.dmn', /<(?:dmn:)?decision\b[^>]*\bid="([^"]+)"/g),
      processes: () => this.idsIn('.bpmn', /<(?:bpmn:)?process\b[^>]*\bid="([^"]+)"/g),
    };
  }

  idsIn(ext, pattern) {
    const ids = [];
    Object.entries(this.files).filter(([n]) => n.endsWith(ext)).forEach(([, text]) => {
      for (const m of text.matchAll(pattern)) ids.push(m[1]);
    });
    return ids;
  }

  async open(name) {
    this.tabBar.querySelectorAll('.tab').forEach((b) => b.setAttribute('aria-selected', String(b.dataset.file === name)));
    Object.values(this.tabs).forEach((tab) => { tab.pane.hidden = true; });
    this.current = name;
    let tab = this.tabs[name];
    if (!tab) {
      tab = await this.create(name);
      this.tabs[name] = tab;
    }
    tab.pane.hidden = false;
    if (tab.kind === 'bpmn') {
      tab.modeler.get('canvas').resized();
      if (!tab.fitted) {
        tab.modeler.get('canvas').zoom('fit-viewport');
        tab.fitted = true;
      }
    }
    this.root.dataset.open = name;
  }

  async create(name) {
    const pane = node('div', { class: 'pane', 'data-file': name });
    this.stage.append(pane);
    const text = this.files[name];
    if (name.endsWith('.bpmn')) {
      const canvas = node('div', { class: 'canvas' });
      const side = node('aside', { class: 'props', 'aria-label': this.texts.properties });
      pane.append(canvas, side);
      const modeler = new BpmnModeler({ container: canvas, moddleExtensions: { spiffworkflow } });
      const result = await modeler.importXML(text);
      (result.warnings || []).forEach((w) => console.warn(name, w.message));
      const chooser = node('select', { class: 'element-chooser', 'aria-label': this.texts.find_element });
      side.before(chooser);
      const fill = () => {
        const keep = chooser.value;
        chooser.replaceChildren(node('option', { value: '' }, this.texts.find_element));
        modeler.get('elementRegistry').filter((e) => e.type !== 'label' && e.type !== 'bpmn:Process'
          && e.type !== 'bpmn:Collaboration').forEach((e) => {
          chooser.append(node('option', { value: e.id }, `${e.businessObject.name || ''} (${e.id})`));
        });
        chooser.value = keep;
      };
      fill();
      modeler.get('eventBus').on('elements.changed', fill);
      modeler.get('eventBus').on('selection.changed', (e) => {
        chooser.value = e.newSelection.length === 1 ? e.newSelection[0].id : '';
      });
      modeler.get('eventBus').on('commandStack.changed', () => { this.dirty = true; });
      chooser.addEventListener('change', () => {
        const shape = modeler.get('elementRegistry').get(chooser.value);
        if (shape) {
          modeler.get('selection').select(shape);
          modeler.get('canvas').scrollToElement(shape);
        }
      });
      const tab = { kind: 'bpmn', pane, modeler, panel: new Panel(side, modeler, this.context()) };
      return tab;
    }
    if (name.endsWith('.dmn')) {
      const canvas = node('div', { class: 'canvas dmn' });
      pane.append(canvas);
      const modeler = new DmnModeler({ container: canvas });
      await modeler.importXML(text);
      modeler.on('views.changed', () => {
        const viewer = modeler.getActiveViewer();
        if (viewer && !viewer.senapasWatched) {
          viewer.senapasWatched = true;
          viewer.get('eventBus').on('commandStack.changed', () => { this.dirty = true; });
        }
      });
      const table = modeler.getViews().find((v) => v.type === 'decisionTable');
      if (table) await modeler.open(table);
      return { kind: 'dmn', pane, modeler };
    }
    const ui = name.replace(/\.json$/, '.ui.json');
    return { kind: 'form', pane, form: new FormTab(pane, name, text, this.files[ui], this.data.urls.preview, this.texts) };
  }

  async collect() {
    const files = { ...this.files };
    for (const [name, tab] of Object.entries(this.tabs)) {
      if (tab.kind === 'bpmn' || tab.kind === 'dmn') {
        files[name] = (await tab.modeler.saveXML({ format: true })).xml;
      } else {
        files[name] = tab.form.schemaText();
        const ui = name.replace(/\.json$/, '.ui.json');
        const uiText = tab.form.uiText();
        if (uiText !== null) files[ui] = uiText;
      }
    }
    return files;
  }

  async formData(extra) {
    const files = await this.collect();
    const body = new FormData();
    Object.entries(files).forEach(([name, text]) => body.append('file', new Blob([text], { type: 'application/octet-stream' }), name));
    Object.entries(extra || {}).forEach(([k, v]) => body.append(k, v));
    return body;
  }

  async post(url, body) {
    const response = await fetch(url, { method: 'POST', body, credentials: 'same-origin',
      headers: { 'X-CSRFToken': csrf(), Accept: 'application/json' } });
    let answer = {};
    try { answer = await response.json(); } catch (e) { answer = {}; }
    return { status: response.status, answer };
  }

  say(message, kind) {
    this.status.textContent = message;
    this.status.className = `flash ${kind || 'info'}`;
    this.status.hidden = false;
  }

  async check() {
    this.say(this.texts.checking, 'info');
    const { status, answer } = await this.post(this.data.urls.validate, await this.formData());
    if (status !== 200) {
      this.say((answer.error && answer.error.message) || `${status}`, 'error');
      return;
    }
    this.show(answer.errors || [], answer.warnings || []);
    const summary = this.texts.check_summary.replace('%(errors)s', answer.errors.length).replace('%(warnings)s', answer.warnings.length);
    this.say(summary, answer.errors.length ? 'error' : answer.warnings.length ? 'warning' : 'success');
  }

  show(errors, warnings) {
    Object.values(this.tabs).filter((t) => t.kind === 'bpmn').forEach((tab) => {
      const canvas = tab.modeler.get('canvas');
      tab.modeler.get('elementRegistry').forEach((e) => {
        canvas.removeMarker(e, 'senapas-error');
        canvas.removeMarker(e, 'senapas-warning');
      });
    });
    this.findings.replaceChildren();
    const add = (item, level) => {
      const where = [item.file, item.line ? `:${item.line}` : '', item.element ? ` · ${item.element}` : ''].join('');
      const li = node('li', { class: `finding ${level}`, 'data-code': item.code, 'data-element': item.element || '' });
      li.append(node('strong', {}, level === 'error' ? this.texts.error : this.texts.warning), ` ${where}: ${item.message}`);
      const tab = this.tabs[item.file];
      const shape = tab && tab.kind === 'bpmn' && item.element && tab.modeler.get('elementRegistry').get(item.element);
      if (shape) {
        tab.modeler.get('canvas').addMarker(shape, `senapas-${level}`);
        li.classList.add('jump');
        li.addEventListener('click', () => {
          this.open(item.file);
          tab.modeler.get('selection').select(shape);
        });
      }
      this.findings.append(li);
    };
    errors.forEach((e) => add(e, 'error'));
    warnings.forEach((w) => add(w, 'warning'));
  }

  async save() {
    const note = $('#editor-note', this.root).value;
    const button = $('#editor-save button', this.root);
    this.say(this.texts.saving, 'info');
    button.disabled = true;
    let reply;
    try {
      reply = await this.post(this.data.urls.upload, await this.formData({ note, draft: 'true' }));
    } finally {
      button.disabled = false;
    }
    const { status, answer } = reply;
    if (status === 201 || status === 200) {
      const target = `${this.data.urls.definitions}/${encodeURIComponent(answer.key)}/versions/${answer.version}?from=${this.data.version}`;
      if (status === 200) {
        this.say(this.texts.identical.replace('%(version)s', answer.version), 'info');
        const link = node('a', { href: target }, ` ${this.texts.open_version}`);
        this.status.append(link);
        return;
      }
      this.dirty = false;
      window.location.assign(target);
      return;
    }
    const error = answer.error || {};
    this.show((error.details || []).map((d) => ({ ...d, message: d.message || d.code })), []);
    this.say(error.message || `${status}`, 'error');
  }
}

document.addEventListener('DOMContentLoaded', () => {
  const root = document.getElementById('editor');
  if (root && root.dataset.editor) {
    window.senapasEditor = new Editor(root, JSON.parse(root.dataset.editor));
  }
});
