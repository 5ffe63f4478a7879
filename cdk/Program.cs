using Amazon.CDK;
using BookingAws.Cdk;

var app = new App();
Platform.Build(app);
app.Synth();
