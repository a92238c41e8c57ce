import { Help, Option, type Command } from 'commander';
import { GLOBAL_OPTIONS } from './cli-run';

/**
 * Commander's help, adjusted: usage lines name the real command (`node dist/main.js db migrate`, not the
 * script's base name), and every command lists the global options.
 */
export function helpConfiguration(cliName: string): Partial<Help> {
  const base = new Help();
  return {
    commandUsage(command: Command): string {
      const names: string[] = [];
      for (let at: Command | null = command; at; at = at.parent) names.unshift(at.parent ? at.name() : cliName);
      return `${names.join(' ')} ${command.usage()}`.trim();
    },
    visibleOptions(command: Command): Option[] {
      const own = base.visibleOptions(command);
      const names = new Set(own.map((option) => option.long));
      const globals = GLOBAL_OPTIONS.filter((option) => !names.has(option.flags)).map((option) => new Option(option.flags, option.description));
      const help = own.filter((option) => option.long === '--help');
      return [...own.filter((option) => option.long !== '--help'), ...globals, ...help];
    },
  };
}
