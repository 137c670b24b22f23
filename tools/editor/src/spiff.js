// Reading and writing the spiffworkflow: extension elements Senapas reads, through bpmn-js commands (undoable).

export function extensionValues(bo) {
  return (bo.extensionElements && bo.extensionElements.values) || [];
}

function ensureExtensions(modeler, element) {
  const bo = element.businessObject;
  if (bo.extensionElements) {
    return bo.extensionElements;
  }
  const moddle = modeler.get('moddle');
  const ext = moddle.create('bpmn:ExtensionElements', { values: [] });
  modeler.get('modeling').updateProperties(element, { extensionElements: ext });
  return ext;
}

export function getProperty(bo, name) {
  const props = extensionValues(bo).find((v) => v.$type === 'spiffworkflow:Properties');
  const found = props && (props.properties || []).find((p) => p.name === name);
  return found ? found.value || '' : '';
}

export function setProperty(modeler, element, name, value) {
  const moddle = modeler.get('moddle');
  const modeling = modeler.get('modeling');
  const bo = element.businessObject;
  if (!value && !getProperty(bo, name)) {
    return;
  }
  const ext = ensureExtensions(modeler, element);
  let props = ext.values.find((v) => v.$type === 'spiffworkflow:Properties');
  if (!props) {
    if (!value) return;
    props = moddle.create('spiffworkflow:Properties', { properties: [] });
    props.$parent = ext;
    modeling.updateModdleProperties(element, ext, { values: [...ext.values, props] });
  }
  const list = props.properties || [];
  const found = list.find((p) => p.name === name);
  if (!value) {
    const rest = list.filter((p) => p !== found);
    if (rest.length) {
      modeling.updateModdleProperties(element, props, { properties: rest });
    } else {
      modeling.updateModdleProperties(element, ext, { values: ext.values.filter((v) => v !== props) });
    }
  } else if (found) {
    modeling.updateModdleProperties(element, found, { value });
  } else {
    const created = moddle.create('spiffworkflow:Property', { name, value });
    created.$parent = props;
    modeling.updateModdleProperties(element, props, { properties: [...list, created] });
  }
}

export function getBody(bo, type) {
  const found = extensionValues(bo).find((v) => v.$type === type);
  return found ? found.value || '' : '';
}

export function setBody(modeler, element, type, value) {
  const moddle = modeler.get('moddle');
  const modeling = modeler.get('modeling');
  const bo = element.businessObject;
  const current = extensionValues(bo).find((v) => v.$type === type);
  if (!value && !current) {
    return;
  }
  const ext = ensureExtensions(modeler, element);
  if (current && value) {
    modeling.updateModdleProperties(element, current, { value });
  } else if (current) {
    modeling.updateModdleProperties(element, ext, { values: ext.values.filter((v) => v !== current) });
  } else {
    const created = moddle.create(type, { value });
    created.$parent = ext;
    modeling.updateModdleProperties(element, ext, { values: [...ext.values, created] });
  }
}
