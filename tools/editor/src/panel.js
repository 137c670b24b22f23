// The properties panel: what Senapas reads from an element, edited through bpmn-js commands.
import { getProperty, setProperty, getBody, setBody } from './spiff.js';

const TASKS = ['bpmn:UserTask', 'bpmn:ScriptTask', 'bpmn:BusinessRuleTask', 'bpmn:CallActivity', 'bpmn:Task',
  'bpmn:ManualTask', 'bpmn:ServiceTask', 'bpmn:SubProcess'];

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => {
    if (v === undefined || v === null || v === false) return;
    if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v === true ? '' : v);
  });
  children.flat().forEach((c) => c && node.append(c));
  return node;
}

function laneOf(element) {
  const bo = element.businessObject;
  const lanes = bo.lanes || [];
  return lanes.length ? lanes[lanes.length - 1] : null;
}

function allLanes(elementRegistry) {
  return elementRegistry.filter((e) => e.type === 'bpmn:Lane');
}

export class Panel {
  constructor(container, modeler, context) {
    this.container = container;
    this.modeler = modeler;
    this.ctx = context;
    this.element = null;
    const eventBus = modeler.get('eventBus');
    eventBus.on('selection.changed', (e) => this.show(e.newSelection.length === 1 ? e.newSelection[0] : null));
    eventBus.on('elements.changed', (e) => {
      if (this.element && e.elements.some((x) => x.id === this.element.id) && !this.container.contains(document.activeElement)) {
        this.show(this.modeler.get('elementRegistry').get(this.element.id) || null);
      }
    });
    this.show(null);
  }

  field(label, name, value, onChange, { multiline = false, options = null, hint = '' } = {}) {
    const id = `p-${name}`;
    let input;
    if (options) {
      input = el('select', { id, name });
      options.forEach(([v, t]) => {
        const opt = el('option', { value: v, text: t });
        if (v === value) opt.selected = true;
        input.append(opt);
      });
    } else if (multiline) {
      input = el('textarea', { id, name, rows: 4, spellcheck: 'false' });
      input.value = value || '';
    } else {
      input = el('input', { id, name, type: 'text' });
      input.value = value || '';
    }
    input.addEventListener('change', () => onChange(input.value.trim() === '' ? '' : input.value));
    return el('div', { class: 'pfield' }, el('label', { for: id, text: label }), input,
      hint ? el('p', { class: 'help', text: hint }) : null);
  }

  show(element) {
    this.element = element;
    const t = this.ctx.texts;
    this.container.replaceChildren();
    if (!element || element.type === 'label') {
      this.container.append(el('p', { class: 'muted', text: t.select_element }));
      return;
    }
    const modeling = this.modeler.get('modeling');
    const moddle = this.modeler.get('moddle');
    const bo = element.businessObject;
    const type = bo.$type;
    const m = this.modeler;
    const parts = [el('h3', { text: `${type.replace('bpmn:', '')}: ${bo.id}` })];
    parts.push(this.field(t.id, 'id', bo.id, (v) => {
      if (v && /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(v) && !this.modeler.get('elementRegistry').get(v)) {
        modeling.updateProperties(element, { id: v });
        this.tidyFlows(element);
      } else {
        this.show(element);
      }
    }, { hint: t.id_hint }));
    parts.push(this.field(t.name, 'name', bo.name || '', (v) => modeling.updateLabel(element, v)));
    if (element.type !== 'bpmn:Lane' && element.type !== 'bpmn:SequenceFlow' && element.type !== 'bpmn:Participant') {
      const lanes = allLanes(m.get('elementRegistry'));
      if (lanes.length) {
        const current = laneOf(element);
        parts.push(this.field(t.lane, 'lane', current ? current.id : '', (v) => this.moveToLane(element, v),
          { options: [['', '—'], ...lanes.map((l) => [l.id, l.businessObject.name || l.id])] }));
      }
    }
    const doc = (bo.documentation || [])[0];
    parts.push(this.field(t.documentation, 'documentation', doc ? doc.text : '', (v) => {
      modeling.updateProperties(element, { documentation: v ? [moddle.create('bpmn:Documentation', { text: v })] : [] });
    }, { multiline: true }));
    const isUser = type === 'bpmn:UserTask' || type === 'bpmn:StartEvent';
    if (isUser) {
      parts.push(this.field(t.instructions, 'instructions', getBody(bo, 'spiffworkflow:InstructionsForEndUser'),
        (v) => setBody(m, element, 'spiffworkflow:InstructionsForEndUser', v), { multiline: true }));
      const forms = this.ctx.forms();
      parts.push(this.field(t.form, 'form', getProperty(bo, 'formJsonSchemaFilename'), (v) => {
        setProperty(m, element, 'formJsonSchemaFilename', v);
        const ui = v ? v.replace(/\.json$/, '.ui.json') : '';
        setProperty(m, element, 'formUiSchemaFilename', ui && forms.includes(ui) ? ui : '');
      }, { options: [['', '—'], ...forms.filter((f) => !f.endsWith('.ui.json')).map((f) => [f, f])] }));
    }
    if (type === 'bpmn:UserTask') {
      parts.push(this.field(t.due_duration, 'dueDuration', getProperty(bo, 'dueDuration'),
        (v) => setProperty(m, element, 'dueDuration', v), { hint: t.due_duration_hint }));
      parts.push(this.field(t.due_date, 'dueDate', getProperty(bo, 'dueDate'),
        (v) => setProperty(m, element, 'dueDate', v)));
      parts.push(this.field(t.documents, 'documents', getProperty(bo, 'documents'),
        (v) => setProperty(m, element, 'documents', v), { hint: t.documents_hint }));
      parts.push(this.field(t.documents_on_open, 'documentsOnOpen', getProperty(bo, 'documentsOnOpen'),
        (v) => setProperty(m, element, 'documentsOnOpen', v)));
    }
    if (TASKS.includes(type)) {
      parts.push(this.field(t.result_variable, 'resultVariable', getProperty(bo, 'resultVariable'),
        (v) => setProperty(m, element, 'resultVariable', v)));
      parts.push(this.field(t.library_result, 'libraryResult', getProperty(bo, 'libraryResult'),
        (v) => setProperty(m, element, 'libraryResult', v), { options: [['', '—'], ['monev', 'monev'], ['accreditation', 'accreditation']] }));
      parts.push(this.field(t.pre_script, 'preScript', getBody(bo, 'spiffworkflow:PreScript'),
        (v) => setBody(m, element, 'spiffworkflow:PreScript', v), { multiline: true }));
      parts.push(this.field(t.post_script, 'postScript', getBody(bo, 'spiffworkflow:PostScript'),
        (v) => setBody(m, element, 'spiffworkflow:PostScript', v), { multiline: true }));
    }
    if (type === 'bpmn:ScriptTask') {
      parts.push(this.field(t.script, 'script', bo.script || '', (v) => modeling.updateProperties(element, { script: v || undefined, scriptFormat: bo.scriptFormat || 'python' }), { multiline: true }));
    }
    if (type === 'bpmn:SequenceFlow') {
      const insert = el('button', { type: 'button', class: 'secondary', id: 'p-insert-user-task', text: t.insert_user_task });
      insert.addEventListener('click', () => this.insertUserTask(element));
      parts.push(el('div', { class: 'pfield' }, insert));
      const cond = bo.conditionExpression;
      parts.push(this.field(t.condition, 'condition', cond ? cond.body : '', (v) => {
        modeling.updateProperties(element, { conditionExpression: v ? moddle.create('bpmn:FormalExpression', { body: v }) : undefined });
      }, { multiline: true }));
    }
    if (type === 'bpmn:BusinessRuleTask') {
      parts.push(this.field(t.decision, 'calledDecisionId', getBody(bo, 'spiffworkflow:CalledDecisionId'),
        (v) => setBody(m, element, 'spiffworkflow:CalledDecisionId', v),
        { options: [['', '—'], ...this.ctx.decisions().map((d) => [d, d])] }));
    }
    if (type === 'bpmn:CallActivity') {
      parts.push(this.field(t.called_process, 'calledElement', bo.calledElement || '',
        (v) => modeling.updateProperties(element, { calledElement: v || undefined }),
        { options: [['', '—'], ...this.ctx.processes().map((p) => [p, p])] }));
    }
    const loop = bo.loopCharacteristics;
    if (loop && loop.$type === 'bpmn:MultiInstanceLoopCharacteristics') {
      parts.push(...this.multiInstance(element, loop));
    }
    const timer = (bo.eventDefinitions || []).find((d) => d.$type === 'bpmn:TimerEventDefinition');
    if (timer) {
      const kind = ['timeDuration', 'timeDate', 'timeCycle'].find((k) => timer[k]) || 'timeDuration';
      parts.push(this.field(`${t.timer} (${kind})`, 'timer', timer[kind] ? timer[kind].body : '', (v) => {
        modeling.updateModdleProperties(element, timer, { [kind]: moddle.create('bpmn:FormalExpression', { body: v }) });
      }, { hint: t.timer_hint }));
    }
    this.container.append(...parts);
  }

  multiInstance(element, loop) {
    const t = this.ctx.texts;
    const modeling = this.modeler.get('modeling');
    const moddle = this.modeler.get('moddle');
    let process = element.businessObject.$parent;
    while (process && process.$type !== 'bpmn:Process') process = process.$parent;
    const props = (process && process.properties) || [];
    const choices = [['', '—'], ...props.map((p) => [p.id, p.id])];
    const ref = (name) => (v) => modeling.updateModdleProperties(element, loop, { [name]: props.find((p) => p.id === v) });
    const item = (name, type) => (v) => modeling.updateModdleProperties(element, loop, {
      [name]: v ? moddle.create(type, { id: v, name: v }) : undefined });
    return [
      el('h4', { text: t.multi_instance }),
      this.field(t.mi_collection, 'loopDataInputRef', loop.loopDataInputRef ? loop.loopDataInputRef.id : '', ref('loopDataInputRef'), { options: choices }),
      this.field(t.mi_item, 'inputDataItem', loop.inputDataItem ? loop.inputDataItem.id : '', item('inputDataItem', 'bpmn:DataInput')),
      this.field(t.mi_output, 'loopDataOutputRef', loop.loopDataOutputRef ? loop.loopDataOutputRef.id : '', ref('loopDataOutputRef'), { options: choices }),
      this.field(t.mi_output_item, 'outputDataItem', loop.outputDataItem ? loop.outputDataItem.id : '', item('outputDataItem', 'bpmn:DataOutput')),
    ];
  }

  insertUserTask(flow) {
    const middle = () => {
      const points = flow.waypoints;
      const i = Math.floor((points.length - 1) / 2);
      return { x: Math.round((points[i].x + points[i + 1].x) / 2), y: Math.round((points[i].y + points[i + 1].y) / 2) };
    };
    const registry = this.modeler.get('elementRegistry');
    const root = this.modeler.get('canvas').getRootElement();
    const width = 130;
    const start = middle().x;
    const adjust = this.modeler.get('spaceTool').calculateAdjustments(registry.filter((e) => e !== root), 'x', width, start);
    this.modeler.get('modeling').createSpace(adjust.movingShapes, adjust.resizingShapes, { x: width, y: 0 }, 'e', start);
    const shape = this.modeler.get('elementFactory').createShape({ type: 'bpmn:UserTask' });
    const created = this.modeler.get('modeling').createShape(shape, middle(), flow);
    this.tidyFlows(created);
    this.modeler.get('selection').select(created);
  }

  // House style names a flow after its ends (Flow_<source>_<target>): keep it so when the ends change.
  tidyFlows(shape) {
    const registry = this.modeler.get('elementRegistry');
    [...(shape.incoming || []), ...(shape.outgoing || [])].forEach((flow) => {
      const wanted = `Flow_${flow.source.id}_${flow.target.id}`;
      if (flow.type === 'bpmn:SequenceFlow' && flow.id !== wanted && flow.id.startsWith('Flow_') && !registry.get(wanted)) {
        this.modeler.get('modeling').updateProperties(flow, { id: wanted });
      }
    });
  }

  moveToLane(element, laneId) {
    const registry = this.modeler.get('elementRegistry');
    const lane = registry.get(laneId);
    if (!lane) return;
    const mid = element.y + element.height / 2;
    const target = lane.y + lane.height / 2;
    this.modeler.get('modeling').moveElements([element], { x: 0, y: target - mid });
  }
}
