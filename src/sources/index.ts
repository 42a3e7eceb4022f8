/**
 * Every data source, registered under the name Settings.source selects it by
 * (registration is a side effect of each module).
 */
import './api/source';
import './bigquery/source';
import './learnplatform/source';

export {registeredSources, sourceFor} from './source';
