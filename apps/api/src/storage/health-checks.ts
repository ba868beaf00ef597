import type { Provider } from '@nestjs/common';
import type { EventStore } from '@ledger/event-store';
import type { WorkspaceReadModel } from '@ledger/read-models';
import { READINESS_PROBES, type ReadinessProbe } from '../http/health.controller';
import {
  WORKSPACE_READ_MODEL,
  EVENT_STORE,
  CONNECTIONS_PROJECTION,
  StorageHealth,
} from '@ledger/runtime';

/** Readiness: the event store and the read model answer, and writes are not failing for lack of space. */
export const healthProviders: Provider[] = [
  {
    provide: READINESS_PROBES,
    inject: [EVENT_STORE, WORKSPACE_READ_MODEL, StorageHealth],
    useFactory: (
      store: EventStore,
      readModel: WorkspaceReadModel,
      storage: StorageHealth,
    ): ReadinessProbe[] => [
      { name: 'eventStore', check: async () => void (await store.readAll({ maxCount: 1 })) },
      {
        name: 'readModel',
        check: async () => void (await readModel.getCheckpoint(CONNECTIONS_PROJECTION)),
      },
      { name: 'storage', check: () => storage.check() },
    ],
  },
];
