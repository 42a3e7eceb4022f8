/**
 * The values Google's published contract allows: the applications the Reports API
 * serves, and the enum query parameters of each method. test/contract holds these lists
 * to the contract.
 */

/**
 * The applications activities.list serves: the applicationName pattern of Admin SDK
 * reports_v1 (@googleapis/admin 37.0.0); test/contract holds this list to it.
 */
export const REPORT_APPLICATIONS = [
  'access_evaluation',
  'access_transparency',
  'admin',
  'admin_data_action',
  'assignments',
  'calendar',
  'chat',
  'chrome',
  'chrome_sync',
  'classroom',
  'cloud_search',
  'contacts',
  'context_aware_access',
  'data_migration',
  'data_studio',
  'directory_sync',
  'drive',
  'gcp',
  'gemini_in_workspace_apps',
  'gmail',
  'gplus',
  'graduation',
  'groups',
  'groups_enterprise',
  'jamboard',
  'keep',
  'ldap',
  'login',
  'meet',
  'meet_hardware',
  'mobile',
  'profile',
  'rules',
  'saml',
  'takeout',
  'tasks',
  'token',
  'user_accounts',
  'vault',
  'voice',
  'workspace_studio',
];

/** Applications whose parameters a user usage report names (its `parameters` pattern). */
export const USER_USAGE_APPLICATIONS = [
  'accounts',
  'calendar',
  'chat',
  'classroom',
  'cros',
  'device_management',
  'docs',
  'drive',
  'gmail',
  'gplus',
  'sites',
];

/** Applications whose parameters a customer usage report names. */
export const CUSTOMER_USAGE_APPLICATIONS = [
  ...USER_USAGE_APPLICATIONS,
  'app_maker',
  'apps_scripts',
  'meet',
].sort();

const COURSE_STATES = [
  'COURSE_STATE_UNSPECIFIED',
  'ACTIVE',
  'ARCHIVED',
  'PROVISIONED',
  'DECLINED',
  'SUSPENDED',
];
const ITEM_STATES = (prefix: string) => [
  `${prefix}_STATE_UNSPECIFIED`,
  'PUBLISHED',
  'DRAFT',
  'DELETED',
];
const PROJECTION = ['basic', 'custom', 'full'];
const VIEW_TYPE = ['admin_view', 'domain_public'];

/**
 * The values Google's reference pages allow for each enum query parameter, by method.
 * A request with another value is refused with 400, as the services do; test/contract
 * holds these lists to the contract.
 */
export const PARAMETER_ENUMS: Record<string, Record<string, string[]>> = {
  'directory.orgunits.list': {type: ['all', 'children', 'allIncludingParent']},
  'directory.users.list': {
    event: ['add', 'delete', 'makeAdmin', 'undelete', 'update'],
    orderBy: ['email', 'familyName', 'givenName'],
    projection: PROJECTION,
    sortOrder: ['ASCENDING', 'DESCENDING'],
    viewType: VIEW_TYPE,
  },
  'directory.users.get': {projection: PROJECTION, viewType: VIEW_TYPE},
  'classroom.courses.list': {courseStates: COURSE_STATES},
  'classroom.courses.courseWork.list': {
    courseWorkStates: ITEM_STATES('COURSE_WORK'),
  },
  'classroom.courses.courseWork.studentSubmissions.list': {
    states: [
      'SUBMISSION_STATE_UNSPECIFIED',
      'NEW',
      'CREATED',
      'TURNED_IN',
      'RETURNED',
      'RECLAIMED_BY_STUDENT',
    ],
    late: ['LATE_VALUES_UNSPECIFIED', 'LATE_ONLY', 'NOT_LATE_ONLY'],
  },
  'classroom.courses.announcements.list': {
    announcementStates: ITEM_STATES('ANNOUNCEMENT'),
  },
};
