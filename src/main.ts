import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { runApp } from 'nest-migrations';
import { AppModule } from './app.module';

// `node dist/main.js` serves HTTP; `node dist/main.js db <command>` runs a migration command and exits.
void runApp(AppModule, {
  serve: async (app) => {
    app.enableShutdownHooks();
    const port = app.get(ConfigService).get<number>('PORT', 3000);
    await app.listen(port);
    new Logger('Bootstrap').log(`Listening on port ${port}`);
  },
});
