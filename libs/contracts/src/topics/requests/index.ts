export * from './requests.v1';
