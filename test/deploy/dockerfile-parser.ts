/** Just enough of a Dockerfile parser for the deploy checks: stages, their instructions, users. */

export type Instruction = { keyword: string; args: string; line: number };
export type Stage = { name?: string; from: string; instructions: Instruction[] };

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const logical: { text: string; line: number }[] = [];
  let buffer = '';
  let start = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trimEnd();
    if (buffer === '' && (line.trim() === '' || line.trimStart().startsWith('#'))) return;
    if (buffer === '') start = index + 1;
    if (line.trimStart().startsWith('#')) return; // comment inside a continued instruction
    if (line.endsWith('\\')) {
      buffer += line.slice(0, -1) + ' ';
      return;
    }
    logical.push({ text: (buffer + line).trim(), line: start });
    buffer = '';
  });
  for (const { text: instruction, line } of logical) {
    const match = /^(\w+)\s+([\s\S]*)$/.exec(instruction);
    if (!match) throw new Error(`Dockerfile line ${line}: cannot parse "${instruction}"`);
    const keyword = match[1].toUpperCase();
    const args = match[2].trim();
    if (keyword === 'FROM') {
      const from = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!from) throw new Error(`Dockerfile line ${line}: cannot parse FROM "${args}"`);
      stages.push({ from: from[1], name: from[2], instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push({ keyword, args, line });
    }
  }
  return stages;
}

export function findStage(stages: Stage[], name: string): Stage | undefined {
  return stages.find((stage) => stage.name === name);
}

/** The USER a stage runs as: its last USER, else its parent stage's, else the base image's root. */
export function effectiveUser(stages: Stage[], stage: Stage): string {
  const own = stage.instructions.filter((i) => i.keyword === 'USER').at(-1);
  if (own) return own.args;
  const parent = findStage(stages, stage.from);
  return parent && parent !== stage ? effectiveUser(stages, parent) : 'root';
}

export function isRootUser(user: string): boolean {
  const name = user.split(':')[0].trim();
  return name === '' || name === 'root' || name === '0';
}

/** The exec-form CMD of a stage (inherited from its parent stage), or undefined. */
export function effectiveCmd(stages: Stage[], stage: Stage): string[] | undefined {
  const own = stage.instructions.filter((i) => i.keyword === 'CMD').at(-1);
  if (own) {
    const parsed = JSON.parse(own.args) as unknown;
    if (!Array.isArray(parsed)) throw new Error(`CMD on line ${own.line} is not in exec form`);
    return parsed as string[];
  }
  const parent = findStage(stages, stage.from);
  return parent && parent !== stage ? effectiveCmd(stages, parent) : undefined;
}

/** Every instruction of a stage and of the stages it derives from, parents first. */
export function lineage(stages: Stage[], stage: Stage): Stage[] {
  const parent = findStage(stages, stage.from);
  return parent && parent !== stage ? [...lineage(stages, parent), stage] : [stage];
}
