/**
 * The dependency sets ("stacks") consumer apps install next to the packed nest-migrations tarball: one per
 * supported line of NestJS + @nestjs/typeorm + TypeORM, each with the TypeScript such an app builds with.
 * Versions are pinned so a run is reproducible; bump them deliberately.
 */
export interface Stack {
  name: string;
  description: string;
  dependencies: Record<string, string>;
}

const common = {
  // For `nest-migrations bundle` (a fast CLI start), a build-time dev dependency of the app.
  esbuild: '0.25.12',
  pg: '8.23.1',
  'reflect-metadata': '0.2.2',
  rxjs: '7.8.2',
  '@types/node': '20.19.43',
};

export const STACKS = {
  nest12: {
    name: 'nest12',
    description: 'NestJS 12 + @nestjs/typeorm 12 + TypeORM 1.x',
    dependencies: {
      ...common,
      '@nestjs/common': '12.5.1',
      '@nestjs/core': '12.5.1',
      '@nestjs/platform-express': '12.5.1',
      '@nestjs/typeorm': '12.0.2',
      '@nestjs/terminus': '12.1.0',
      '@nestjs/testing': '12.1.1',
      typeorm: '1.1.1',
      'nest-commander': '3.21.0',
      typescript: '6.0.3',
    },
  },
  nest11: {
    name: 'nest11',
    description: 'NestJS 11 + @nestjs/typeorm 11 + TypeORM 0.3.x',
    dependencies: {
      ...common,
      '@nestjs/common': '11.2.10',
      '@nestjs/core': '11.2.10',
      '@nestjs/platform-express': '11.2.10',
      '@nestjs/typeorm': '11.0.3',
      '@nestjs/terminus': '11.1.1',
      typeorm: '0.3.31',
      'nest-commander': '3.21.0',
      typescript: '5.8.3',
    },
  },
  nest10: {
    name: 'nest10',
    description: 'NestJS 10 + @nestjs/typeorm 10 + TypeORM 0.3.x',
    dependencies: {
      ...common,
      '@nestjs/common': '10.4.9',
      '@nestjs/core': '10.4.9',
      '@nestjs/platform-express': '10.4.9',
      '@nestjs/typeorm': '10.0.2',
      '@nestjs/terminus': '10.3.0',
      typeorm: '0.3.28',
      'nest-commander': '3.21.0',
      typescript: '5.4.5',
    },
  },
} satisfies Record<string, Stack>;

export type StackName = keyof typeof STACKS;
