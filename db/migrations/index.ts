// The ordered list of migrations. Bundlers cannot scan a folder at run time,
// so every migration file is imported here explicitly (append new ones at the end).
import type { Knex } from 'knex'
import * as m20261122000001 from './20261122000001_initial-schema'
import * as m20261206000100 from './20261206000100_mssql-nonclustered-uuid-keys'
import * as m20261206000200 from './20261206000200_reminder-title-keys'
import * as m20261206000300 from './20261206000300_opportunity-pipeline'
import * as m20261206000500 from './20261206000500_service-tickets'
import * as m20261206000600 from './20261206000600_retention'
import * as m20261206000700 from './20261206000700_contact-search-text'
import * as m20261206000800 from './20261206000800_customer-desk'
import * as m20261206001100 from './20261206001100_dashboard-layouts'
import * as m20261206001200 from './20261206001200_customer-list-indexes'
import * as m20261206001300 from './20261206001300_user-work-hour'
import * as m20261206001400 from './20261206001400_orders-payments'
import * as m20261206001500 from './20261206001500_imports'
import * as m20261206001700 from './20261206001700_report-indexes'
import * as m20261206001800 from './20261206001800_dashboard-speed'
import * as m20261206001900 from './20261206001900_sync-outbox'
import * as m20261206002100 from './20261206002100_customer-search-index'
import * as m20261206002110 from './20261206002110_customer-list-cover'
import * as m20261206002200 from './20261206002200_contact-search-index'
import * as m20261206002210 from './20261206002210_search-prefix-indexes'
import * as m20261206002300 from './20261206002300_opportunity-stats'
import * as m20261206002310 from './20261206002310_opportunity-search-index'
import * as m20261206002500 from './20261206002500_saved-reports'
import * as m20261206002600 from './20261206002600_report-dashboard-cover'
import * as m20261206002800 from './20261206002800_attachment-contents'
import * as m20261206002900 from './20261206002900_import-orders-products'
import * as m20261206003100 from './20261206003100_sync-runs'
import * as m20261206003200 from './20261206003200_ticket-search-index'
import * as m20261206003210 from './20261206003210_ticket-search-pinyin'
import * as m20261206003300 from './20261206003300_search-index-js-doubling'
import * as m20261206003400 from './20261206003400_order-amount-bands'
import * as m20261206003410 from './20261206003410_list-page-covers'
import * as m20261206003600 from './20261206003600_bulk-load-suspended'
import * as m20261206004400 from './20261206004400_drop-customers-updated-at-index'
import * as m20261206005100 from './20261206005100_customers-deleted-ids'
import * as m20261206005200 from './20261206005200_briefing-owner-day'
import * as m20261206005300 from './20261206005300_customer-sales-sums'
import * as m20261207000100 from './20261207000100_sales-sums-rank'
import * as m20261207000200 from './20261207000200_customers-dimensions-cover'
import * as m20261207000210 from './20261207000210_sales-sums-update-when'
import * as m20261207000600 from './20261207000600_reminders-evaluation-indexes'
import * as m20261207000700 from './20261207000700_customer-dimension-covers'
import * as m20261207001000 from './20261207001000_customers-index-diet'
import * as m20261207001100 from './20261207001100_search-grams-plpgsql'
import * as m20261207001200 from './20261207001200_churn-warnings-customer-index'
import * as m20261207001300 from './20261207001300_churn-check-created-at'

export interface Migration {
  name: string
  up: (knex: Knex) => Promise<void>
  down: (knex: Knex) => Promise<void>
}

export const migrations: Migration[] = [
  { name: '20261122000001_initial-schema', ...m20261122000001 },
  { name: '20261206000100_mssql-nonclustered-uuid-keys', up: m20261206000100.up, down: m20261206000100.down },
  { name: '20261206000200_reminder-title-keys', up: m20261206000200.up, down: m20261206000200.down },
  { name: '20261206000300_opportunity-pipeline', ...m20261206000300 },
  { name: '20261206000500_service-tickets', ...m20261206000500 },
  { name: '20261206000600_retention', up: m20261206000600.up, down: m20261206000600.down },
  { name: '20261206000700_contact-search-text', ...m20261206000700 },
  { name: '20261206000800_customer-desk', ...m20261206000800 },
  { name: '20261206001100_dashboard-layouts', up: m20261206001100.up, down: m20261206001100.down },
  { name: '20261206001200_customer-list-indexes', ...m20261206001200 },
  { name: '20261206001300_user-work-hour', up: m20261206001300.up, down: m20261206001300.down },
  { name: '20261206001400_orders-payments', ...m20261206001400 },
  { name: '20261206001500_imports', up: m20261206001500.up, down: m20261206001500.down },
  { name: '20261206001700_report-indexes', ...m20261206001700 },
  { name: '20261206001800_dashboard-speed', ...m20261206001800 },
  { name: '20261206001900_sync-outbox', up: m20261206001900.up, down: m20261206001900.down },
  { name: '20261206002100_customer-search-index', up: m20261206002100.up, down: m20261206002100.down },
  { name: '20261206002110_customer-list-cover', up: m20261206002110.up, down: m20261206002110.down },
  { name: '20261206002200_contact-search-index', up: m20261206002200.up, down: m20261206002200.down },
  { name: '20261206002210_search-prefix-indexes', up: m20261206002210.up, down: m20261206002210.down },
  { name: '20261206002300_opportunity-stats', up: m20261206002300.up, down: m20261206002300.down },
  { name: '20261206002310_opportunity-search-index', up: m20261206002310.up, down: m20261206002310.down },
  { name: '20261206002500_saved-reports', up: m20261206002500.up, down: m20261206002500.down },
  { name: '20261206002600_report-dashboard-cover', up: m20261206002600.up, down: m20261206002600.down },
  { name: '20261206002800_attachment-contents', up: m20261206002800.up, down: m20261206002800.down },
  { name: '20261206002900_import-orders-products', up: m20261206002900.up, down: m20261206002900.down },
  { name: '20261206003100_sync-runs', up: m20261206003100.up, down: m20261206003100.down },
  { name: '20261206003200_ticket-search-index', up: m20261206003200.up, down: m20261206003200.down },
  { name: '20261206003210_ticket-search-pinyin', up: m20261206003210.up, down: m20261206003210.down },
  { name: '20261206003300_search-index-js-doubling', up: m20261206003300.up, down: m20261206003300.down },
  { name: '20261206003400_order-amount-bands', up: m20261206003400.up, down: m20261206003400.down },
  { name: '20261206003410_list-page-covers', up: m20261206003410.up, down: m20261206003410.down },
  { name: '20261206003600_bulk-load-suspended', up: m20261206003600.up, down: m20261206003600.down },
  { name: '20261206004400_drop-customers-updated-at-index', up: m20261206004400.up, down: m20261206004400.down },
  { name: '20261206005100_customers-deleted-ids', up: m20261206005100.up, down: m20261206005100.down },
  { name: '20261206005200_briefing-owner-day', up: m20261206005200.up, down: m20261206005200.down },
  { name: '20261206005300_customer-sales-sums', up: m20261206005300.up, down: m20261206005300.down },
  { name: '20261207000100_sales-sums-rank', up: m20261207000100.up, down: m20261207000100.down },
  { name: '20261207000200_customers-dimensions-cover', up: m20261207000200.up, down: m20261207000200.down },
  { name: '20261207000210_sales-sums-update-when', up: m20261207000210.up, down: m20261207000210.down },
  { name: '20261207000600_reminders-evaluation-indexes', up: m20261207000600.up, down: m20261207000600.down },
  { name: '20261207000700_customer-dimension-covers', up: m20261207000700.up, down: m20261207000700.down },
  { name: '20261207001000_customers-index-diet', up: m20261207001000.up, down: m20261207001000.down },
  { name: '20261207001100_search-grams-plpgsql', up: m20261207001100.up, down: m20261207001100.down },
  { name: '20261207001200_churn-warnings-customer-index', up: m20261207001200.up, down: m20261207001200.down },
  { name: '20261207001300_churn-check-created-at', up: m20261207001300.up, down: m20261207001300.down },
]
